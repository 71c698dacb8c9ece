-- A 公安 cancellation (death) on or before the day checked, of a person still being paid.
WITH persons AS (
    SELECT DISTINCT household_id, member_id, person_hash
    FROM people
    WHERE person_hash IS NOT NULL
)
SELECT
    'death_still_paid' AS kind,
    p.household_id,
    p.member_id,
    p.person_hash,
    d.delivery_id,
    d.row AS source_row,
    CAST(NULL AS BIGINT) AS amount_fen,
    CAST(NULL AS BIGINT) AS item_count,
    CAST(d.cancelled_on AS STRING) AS detail
FROM persons p
JOIN deaths d ON d.person_hash = p.person_hash
CROSS JOIN parameters par
WHERE d.cancellation = 'death' AND d.cancelled_on <= par.as_of
ORDER BY p.household_id, p.member_id, d.delivery_id, d.row
