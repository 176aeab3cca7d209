"""Confidence intervals and tests from statsmodels, for tests/it/metrics_reference.rs.

Usage: statsmodels_uncertainty.py IN.json OUT.json
  IN.json: {"proportions": [[successes, n], ...], "mcnemar": [[b, c], ...],
            "two_proportions": [[x1, n1, x2, n2], ...]}
Writes, in the same order: the 95% Wilson interval of each proportion
(proportion_confint(method="wilson")), the exact McNemar test of each pair of discordant counts
(b: the first model alone right, c: the second alone; mcnemar(exact=True)), and the Wald
statistic of p1 - p2 with the unpooled standard error (test_proportions_2indep(method="wald")).
"""
import json
import sys

import statsmodels
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.proportion import proportion_confint, test_proportions_2indep

inp = json.load(open(sys.argv[1]))
wilson = [list(map(float, proportion_confint(x, n, alpha=0.05, method="wilson"))) for x, n in inp["proportions"]]
tests = []
for b, c in inp["mcnemar"]:
    r = mcnemar([[0, b], [c, 0]], exact=True)
    tests.append([float(r.statistic), float(r.pvalue)])
wald = [
    float(test_proportions_2indep(x1, n1, x2, n2, method="wald", compare="diff").statistic)
    for x1, n1, x2, n2 in inp["two_proportions"]
]
json.dump(
    {"statsmodels_version": statsmodels.__version__, "wilson": wilson, "mcnemar": tests, "wald": wald},
    open(sys.argv[2], "w"),
)
