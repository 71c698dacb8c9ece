"""One-off grants (一次性补贴) to a cohort chosen by rule, paid through the payroll."""
