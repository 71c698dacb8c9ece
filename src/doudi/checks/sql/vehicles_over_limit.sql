-- More vehicles in use than allowed, per household; a disability car (残疾人代步车) and a car
-- cancelled or scrapped do not count, a car two members share counts once.
WITH persons AS (
    SELECT DISTINCT household_id, member_id, person_hash
    FROM people
    WHERE counted AND person_hash IS NOT NULL
),
cars AS (
    SELECT p.household_id, v.plate, v.delivery_id
    FROM persons p
    JOIN vehicles v ON v.person_hash = p.person_hash
    WHERE v.state = 'normal' AND COALESCE(v.use, '') <> 'disability'
)
SELECT
    'vehicles_over_limit' AS kind,
    c.household_id,
    CAST(NULL AS BIGINT) AS member_id,
    CAST(NULL AS STRING) AS person_hash,
    MAX(c.delivery_id) AS delivery_id,
    CAST(NULL AS BIGINT) AS source_row,
    CAST(NULL AS BIGINT) AS amount_fen,
    COUNT(DISTINCT c.plate) AS item_count,
    CAST(par.max_cars AS STRING) AS detail
FROM cars c
CROSS JOIN parameters par
GROUP BY c.household_id, par.max_cars
HAVING COUNT(DISTINCT c.plate) > par.max_cars
ORDER BY c.household_id
