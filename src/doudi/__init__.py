"""Doudi (兜底): social-assistance management for Chinese civil-affairs bureaus."""
