"""The eval set, its metrics and reports, and the regression gate."""
