"""Teachers' digital portfolios: records, verification, rules, exports."""
