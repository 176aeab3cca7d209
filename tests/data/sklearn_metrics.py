"""Classification metrics from scikit-learn, for tests/it/metrics_reference.rs.

Usage: sklearn_metrics.py IN.json OUT.json
  IN.json: {"labels": [0 or 1, ...], "probabilities": [p, ...]}
Writes the confusion matrix of the labels against the predicted class (p >= 0.5), precision,
recall and F1 of class 1, and the area under the ROC curve of the probabilities.
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.metrics import confusion_matrix, f1_score, precision_score, recall_score, roc_auc_score

inp = json.load(open(sys.argv[1]))
labels = np.array(inp["labels"], dtype=int)
p = np.array(inp["probabilities"], dtype=float)
predicted = (p >= 0.5).astype(int)
tn, fp, fn, tp = confusion_matrix(labels, predicted, labels=[0, 1]).ravel()
json.dump(
    {
        "sklearn_version": sklearn.__version__,
        "confusion": {
            "true_negative": int(tn),
            "false_positive": int(fp),
            "false_negative": int(fn),
            "true_positive": int(tp),
        },
        "precision": float(precision_score(labels, predicted)),
        "recall": float(recall_score(labels, predicted)),
        "f1": float(f1_score(labels, predicted)),
        "roc_auc": float(roc_auc_score(labels, p)),
    },
    open(sys.argv[2], "w"),
)
