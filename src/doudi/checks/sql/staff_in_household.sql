-- 优亲厚友: a household receiving assistance of which a member of staff or a village cadre (an
-- account whose ID number is a registry member's) is a member. One finding per staff member and
-- household; no department's delivery: the registry and the accounts tell it. Close relatives
-- who live apart are declared on the case (relative_of_staff) and are not found here.
WITH households AS (
    SELECT DISTINCT household_id FROM people
)
SELECT
    'staff_in_household' AS kind,
    r.household_id,
    r.member_id,
    r.person_hash,
    CAST(NULL AS BIGINT) AS delivery_id,
    CAST(NULL AS BIGINT) AS source_row,
    CAST(NULL AS BIGINT) AS amount_fen,
    CAST(NULL AS BIGINT) AS item_count,
    MIN(s.username) AS detail
FROM households h
JOIN registry_people r ON r.household_id = h.household_id
JOIN staff s ON s.person_hash = r.person_hash
GROUP BY r.household_id, r.member_id, r.person_hash
ORDER BY r.household_id, r.member_id
