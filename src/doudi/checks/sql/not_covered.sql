-- 漏保: a person under poverty monitoring whose risk is not removed, or with a valid grade 1–2
-- disability certificate, who receives no assistance (or is not in the registry at all).
WITH receiving AS (
    SELECT
        person_hash,
        MIN(household_id) AS household_id,
        MIN(member_id) AS member_id,
        MAX(CASE WHEN receives THEN 1 ELSE 0 END) AS receives
    FROM registry_people
    WHERE person_hash IS NOT NULL
    GROUP BY person_hash
),
eligible AS (
    SELECT m.person_hash, m.delivery_id, m.row AS source_row, 'poverty_monitoring' AS detail
    FROM poverty_monitoring m
    WHERE m.person_hash IS NOT NULL AND NOT COALESCE(m.risk_removed, FALSE)
    UNION ALL
    SELECT
        d.person_hash,
        d.delivery_id,
        d.row AS source_row,
        CONCAT('disability_grade_', CAST(d.grade AS STRING)) AS detail
    FROM disability d
    CROSS JOIN parameters par
    WHERE
        d.person_hash IS NOT NULL
        AND d.state = 'valid'
        AND d.grade IN (1, 2)
        AND (d.valid_until IS NULL OR d.valid_until >= par.as_of)
)
SELECT
    'not_covered' AS kind,
    r.household_id,
    r.member_id,
    e.person_hash,
    e.delivery_id,
    e.source_row,
    CAST(NULL AS BIGINT) AS amount_fen,
    CAST(NULL AS BIGINT) AS item_count,
    e.detail
FROM eligible e
LEFT JOIN receiving r ON r.person_hash = e.person_hash
WHERE COALESCE(r.receives, 0) = 0
ORDER BY e.person_hash, e.detail, e.delivery_id, e.source_row
