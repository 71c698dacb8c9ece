-- More current residential units than allowed, per household; a unit two members share
-- counts once, a cancelled registration not at all.
WITH persons AS (
    SELECT DISTINCT household_id, member_id, person_hash
    FROM people
    WHERE counted AND person_hash IS NOT NULL
),
homes AS (
    SELECT p.household_id, r.unit_number, r.delivery_id
    FROM persons p
    JOIN real_estate r ON r.person_hash = p.person_hash
    WHERE r.use = 'residential' AND r.state = 'current'
)
SELECT
    'homes_over_limit' AS kind,
    h.household_id,
    CAST(NULL AS BIGINT) AS member_id,
    CAST(NULL AS STRING) AS person_hash,
    MAX(h.delivery_id) AS delivery_id,
    CAST(NULL AS BIGINT) AS source_row,
    CAST(NULL AS BIGINT) AS amount_fen,
    COUNT(DISTINCT h.unit_number) AS item_count,
    CAST(par.max_homes AS STRING) AS detail
FROM homes h
CROSS JOIN parameters par
GROUP BY h.household_id, par.max_homes
HAVING COUNT(DISTINCT h.unit_number) > par.max_homes
ORDER BY h.household_id
