"""Benefits (待遇): what each household or person receives each month, created and changed
only by decisions."""
