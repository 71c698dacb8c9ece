-- The household's monthly income as reported to tax (工资薪金、劳务报酬、经营所得 …) above the
-- income line times its counted members. Each tax row's income is spread over the months of its
-- period; only periods ending in the twelve months up to the day checked count, so last year's
-- return and this year's do not add up.
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
monthly AS (
    SELECT
        m.household_id,
        t.delivery_id,
        CAST(FLOOR(
            t.income_fen / (
                (YEAR(t.period_end) - YEAR(t.period_start)) * 12
                + MONTH(t.period_end) - MONTH(t.period_start) + 1
            )
        ) AS BIGINT) AS amount_fen
    FROM members m
    JOIN tax t ON t.person_hash = m.person_hash
    CROSS JOIN parameters par
    WHERE t.period_end <= par.as_of
      AND (YEAR(par.as_of) * 12 + MONTH(par.as_of))
          - (YEAR(t.period_end) * 12 + MONTH(t.period_end)) < 12
      AND t.period_end >= t.period_start
),
totals AS (
    SELECT household_id, CAST(SUM(amount_fen) AS BIGINT) AS amount_fen,
           MAX(delivery_id) AS delivery_id
    FROM monthly
    GROUP BY household_id
)
SELECT
    'taxed_income_over_line' AS kind,
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
