"""Home visits (入户走访) by village and grid workers: a checklist of living conditions, health,
income and needs, photos into the household's file, a follow-up date; a concern found raises
a warning the township handles; follow-ups due per worker."""
