-- The caseload's risk is the practitioner's level in the child's newest risk
-- screening, with the screening's date (issue 16, item 1); the child
-- record's own level only until the child is first screened. Numbered 0061
-- (issue 16, item 1) so branches of the same issue do not share a number.
ALTER TABLE child_summary ADD COLUMN risk_date TEXT;

-- Summaries already kept take their newest screening now, as
-- desktop.summary derives it, rather than at the child's next change.
UPDATE child_summary SET (risk_level, risk_date) = (
    SELECT json_extract(data, '$.practitioner_level'), json_extract(data, '$.date')
      FROM records
     WHERE records.child_id = child_summary.child_id AND kind = 'assessment' AND deleted = 0
       AND coalesce(json_extract(data, '$.entered_in_error'), 0) = 0
       AND coalesce(json_extract(data, '$.closed'), 0) = 0
     ORDER BY json_extract(data, '$.date') DESC LIMIT 1)
 WHERE EXISTS (
    SELECT 1 FROM records
     WHERE records.child_id = child_summary.child_id AND kind = 'assessment' AND deleted = 0
       AND coalesce(json_extract(data, '$.entered_in_error'), 0) = 0
       AND coalesce(json_extract(data, '$.closed'), 0) = 0);

UPDATE child_summary SET exploitation_risk = (
    risk_level = 'high'
    OR EXISTS (SELECT 1 FROM json_each(child_summary.flags)
                WHERE value IN ('cse', 'cce', 'trafficking')));
