-- The household's monthly wage, unemployment benefit and pension (in payment) above the
-- income line times its counted members. The finding names the employment delivery, or the
-- pension delivery when only pensions are found.
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
incomes AS (
    SELECT
        m.household_id,
        COALESCE(e.monthly_wage_fen, 0) + COALESCE(e.unemployment_benefit_fen, 0) AS amount_fen,
        e.delivery_id AS employment_delivery,
        CAST(NULL AS BIGINT) AS pension_delivery
    FROM members m
    JOIN employment e ON e.person_hash = m.person_hash
    UNION ALL
    SELECT
        m.household_id,
        COALESCE(p.monthly_amount_fen, 0) AS amount_fen,
        CAST(NULL AS BIGINT) AS employment_delivery,
        p.delivery_id AS pension_delivery
    FROM members m
    JOIN pensions p ON p.person_hash = m.person_hash
    WHERE p.state = 'paid'
),
totals AS (
    SELECT
        household_id,
        CAST(SUM(amount_fen) AS BIGINT) AS amount_fen,
        COALESCE(MAX(employment_delivery), MAX(pension_delivery)) AS delivery_id
    FROM incomes
    GROUP BY household_id
)
SELECT
    'income_over_line' AS kind,
    t.household_id,
    CAST(NULL AS BIGINT) AS member_id,
    CAST(NULL AS STRING) AS person_hash,
    t.delivery_id,
    CAST(NULL AS BIGINT) AS source_row,
    t.amount_fen,
    s.counted_members AS item_count,
    CAST(par.income_line_fen_per_person * s.counted_members AS STRING) AS detail
FROM totals t
JOIN sizes s ON s.household_id = t.household_id
CROSS JOIN parameters par
WHERE t.amount_fen > par.income_line_fen_per_person * s.counted_members
ORDER BY t.household_id
