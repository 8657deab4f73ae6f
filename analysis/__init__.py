"""Predict which regular customers of the store will buy less, and why.

The package computes every result of the report: reading and validating the
store's files, cleaning, features, model selection, SHAP explanations,
profit segments and personal offers.
"""

__version__ = "0.1.0"
