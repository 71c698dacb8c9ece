"""Matching people (人员匹配): department records without a valid ID number, linked to registry
members probabilistically; doubtful pairs go to a county clerk's review queue (人工复核)."""
