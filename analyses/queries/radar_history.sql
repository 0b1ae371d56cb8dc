-- Every move of the curated radar, newest first, with its reason.
SELECT m.moved_on, m.name, e.quadrant, m.ring_from, m.ring_to, m.rationale
FROM radar_moves m JOIN radar_entries e USING (name)
ORDER BY m.moved_on DESC, m.name;
