-- The counted members' bank and securities balances together above the limit per person
-- times the counted members (a member without a valid ID number still counts as a person).
WITH members AS (
    SELECT DISTINCT household_id, member_id, person_hash
    FROM people
    WHERE counted
),
sizes AS (
    SELECT household_id, COUNT(*) AS counted_members
    FROM members
    GROUP BY household_id
),
balances AS (
    SELECT
        m.household_id,
        CAST(SUM(COALESCE(b.balance_fen, 0)) AS BIGINT) AS balance_fen,
        MAX(b.delivery_id) AS delivery_id
    FROM members m
    JOIN bank b ON b.person_hash = m.person_hash
    GROUP BY m.household_id
)
SELECT
    'deposits_over_limit' AS kind,
    b.household_id,
    CAST(NULL AS BIGINT) AS member_id,
    CAST(NULL AS STRING) AS person_hash,
    b.delivery_id,
    CAST(NULL AS BIGINT) AS source_row,
    b.balance_fen AS amount_fen,
    s.counted_members AS item_count,
    CAST(par.financial_limit_fen_per_person * s.counted_members AS STRING) AS detail
FROM balances b
JOIN sizes s ON s.household_id = b.household_id
CROSS JOIN parameters par
WHERE b.balance_fen > par.financial_limit_fen_per_person * s.counted_members
ORDER BY b.household_id
