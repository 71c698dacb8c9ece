"""Demo data: the Jiaozuo place tree with made-up townships and villages; an account per role."""
