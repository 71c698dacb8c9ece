"""Personal ID numbers (居民身份证号码): validation, encryption at rest, keyed look-up, masking.

Every part of Doudi that stores an ID number goes through this package, so that the rules
(never in clear text at rest, never in URLs or logs, masked in lists) hold in one place.
"""
