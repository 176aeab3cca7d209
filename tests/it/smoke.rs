use crate::common;

#[test]
fn help_lists_every_command() {
    let out = common::cli().arg("--help").output().expect("run");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for cmd in ["data", "gradcheck", "train", "evaluate", "predict", "run"] {
        assert!(text.contains(cmd), "--help does not list {cmd}");
    }
}
