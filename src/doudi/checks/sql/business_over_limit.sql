-- An active business of a counted member with registered capital above the limit.
WITH persons AS (
    SELECT DISTINCT household_id, member_id, person_hash
    FROM people
    WHERE counted AND person_hash IS NOT NULL
)
SELECT
    'business_over_limit' AS kind,
    p.household_id,
    p.member_id,
    p.person_hash,
    b.delivery_id,
    b.row AS source_row,
    b.registered_capital_fen AS amount_fen,
    CAST(NULL AS BIGINT) AS item_count,
    b.credit_code AS detail
FROM persons p
JOIN businesses b ON b.person_hash = p.person_hash
CROSS JOIN parameters par
WHERE b.state = 'active' AND b.registered_capital_fen > par.max_business_capital_fen
ORDER BY p.household_id, p.member_id, b.delivery_id, b.row
