"""The rules, one module per group; :data:`checks.registry.RULES` lists every instance.

Nothing here registers itself: a rule runs only once it is listed in the registry.
"""
