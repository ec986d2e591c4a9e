-- Chinook corpus for the index advisor. Each query is labelled by PostgreSQL's planner in
-- tests/checks/index_advisor/test_planner_agreement.py; nothing here says what it expects.

-- ---- equality, IN lists, primary keys -------------------------------------------------
-- name: pk-equality
SELECT * FROM track WHERE track_id = 42;
-- name: pk-in-list
SELECT name FROM track WHERE track_id IN (1, 2, 3, 5, 8);
-- name: pk-param
SELECT * FROM invoice WHERE invoice_id = $1;
-- name: fk-index-equality
SELECT track_id, name FROM track WHERE album_id = 7;
-- name: fk-index-in-list
SELECT * FROM track WHERE genre_id IN (1, 3);
-- name: unindexed-equality
SELECT * FROM track WHERE name = 'Balls to the Wall';
-- name: unindexed-in-list
SELECT * FROM customer WHERE country IN ('Brazil', 'Canada');
-- name: composite-pk-leading
SELECT * FROM playlist_track WHERE playlist_id = 3;
-- name: composite-pk-both
SELECT * FROM playlist_track WHERE playlist_id = 3 AND track_id = 10;
-- name: composite-pk-second-only-but-own-index
SELECT * FROM playlist_track WHERE track_id = 10;
-- name: composite-index-leading
SELECT * FROM invoice WHERE billing_country = 'Germany';
-- name: composite-index-eq-then-range
SELECT * FROM invoice WHERE billing_country = 'Germany' AND invoice_date >= '2023-01-01';
-- name: composite-index-second-only
SELECT * FROM invoice WHERE invoice_date >= '2023-01-01';
-- name: composite-name-leading
SELECT * FROM customer WHERE last_name = 'Gonçalves';
-- name: composite-name-second-only
SELECT * FROM customer WHERE first_name = 'Luís';
-- name: composite-name-both
SELECT customer_id FROM customer WHERE last_name = 'Smith' AND first_name = 'Jane';
-- name: unique-constraint-equality
SELECT genre_id FROM genre WHERE name = 'Rock';
-- name: unique-constraint-in
SELECT * FROM media_type WHERE name IN ('AAC audio file', 'MPEG audio file');
-- name: unindexed-column-of-small-table
SELECT * FROM playlist WHERE name = 'Music';
-- name: artist-name-index
SELECT artist_id FROM artist WHERE name = 'AC/DC';

-- ---- ranges, BETWEEN, IS NULL, LIKE ---------------------------------------------------
-- name: pk-range
SELECT * FROM track WHERE track_id > 3000;
-- name: pk-between
SELECT * FROM invoice WHERE invoice_id BETWEEN 10 AND 20;
-- name: unindexed-range
SELECT * FROM track WHERE milliseconds > 600000;
-- name: unindexed-between
SELECT * FROM invoice WHERE total BETWEEN 10 AND 20;
-- name: fk-is-null
SELECT * FROM employee WHERE reports_to IS NULL;
-- name: fk-is-not-null
SELECT * FROM customer WHERE support_rep_id IS NOT NULL;
-- name: unindexed-is-null
SELECT * FROM customer WHERE company IS NULL;
-- name: like-prefix-indexed
SELECT * FROM artist WHERE name LIKE 'Led%';
-- name: like-prefix-unindexed
SELECT * FROM track WHERE name LIKE 'Love%';
-- name: like-suffix
SELECT * FROM artist WHERE name LIKE '%Zeppelin';
-- name: like-infix
SELECT * FROM artist WHERE name LIKE '%Zep%';
-- name: like-prefix-composite
SELECT * FROM customer WHERE last_name LIKE 'Sm%';
-- name: ilike
SELECT * FROM artist WHERE name ILIKE 'led%';
-- name: not-like
SELECT * FROM artist WHERE name NOT LIKE 'A%';

-- ---- not sargable ---------------------------------------------------------------------
-- name: function-around-pk
SELECT * FROM track WHERE abs(track_id) = 5;
-- name: arithmetic-around-pk
SELECT * FROM track WHERE track_id + 1 = 5;
-- name: cast-around-pk
SELECT * FROM track WHERE CAST(track_id AS TEXT) = '5';
-- name: function-around-indexed-name
SELECT * FROM artist WHERE upper(name) = 'AC/DC';
-- name: expression-index-match
SELECT * FROM customer WHERE lower(email) = 'luisg@embraer.com.br';
-- name: expression-index-no-match
SELECT * FROM customer WHERE upper(email) = 'LUISG@EMBRAER.COM.BR';
-- name: plain-column-with-expression-index-only
SELECT * FROM customer WHERE email = 'luisg@embraer.com.br';
-- name: not-equal
SELECT * FROM track WHERE genre_id <> 1;
-- name: not-in-list
SELECT * FROM track WHERE media_type_id NOT IN (1, 2);
-- name: not-equal-with-sargable-conjunct
SELECT * FROM track WHERE album_id = 3 AND genre_id <> 1;
-- name: function-with-sargable-conjunct
SELECT * FROM track WHERE album_id = 3 AND lower(name) = 'x';
-- name: arithmetic-on-constant-side
SELECT * FROM track WHERE track_id = 4 + 1;
-- name: constant-on-left
SELECT * FROM track WHERE 5 = album_id;

-- ---- OR -------------------------------------------------------------------------------
-- name: or-both-indexed
SELECT * FROM track WHERE album_id = 1 OR genre_id = 2;
-- name: or-one-unindexed
SELECT * FROM track WHERE album_id = 1 OR name = 'x';
-- name: or-same-column
SELECT * FROM invoice WHERE customer_id = 1 OR customer_id = 2;
-- name: or-with-ranges
SELECT * FROM invoice WHERE invoice_id < 10 OR invoice_id > 400;
-- name: or-of-ands
SELECT * FROM invoice WHERE (billing_country = 'France' AND invoice_date > '2024-01-01') OR customer_id = 5;
-- name: or-inside-and
SELECT * FROM track WHERE (album_id = 1 OR album_id = 2) AND milliseconds > 1000;
-- name: or-with-unsargable-branch
SELECT * FROM track WHERE album_id = 1 OR abs(genre_id) = 2;

-- ---- partial indexes ------------------------------------------------------------------
-- name: partial-implied-equality
SELECT * FROM employee WHERE title = 'Sales Support Agent' AND city = 'Calgary';
-- name: partial-not-implied
SELECT * FROM employee WHERE city = 'Calgary';
-- name: partial-other-title
SELECT * FROM employee WHERE title = 'IT Staff' AND city = 'Calgary';
-- name: partial-not-null-implied-by-equality
SELECT * FROM track WHERE composer = 'AC/DC';
-- name: partial-not-null-implied-by-like
SELECT * FROM track WHERE composer LIKE 'Angus%';
-- name: partial-not-null-explicit
SELECT * FROM track WHERE composer IS NOT NULL;
-- name: partial-not-null-vs-is-null
SELECT * FROM track WHERE composer IS NULL;

-- ---- joins ----------------------------------------------------------------------------
-- name: join-entered-by-pk
SELECT t.name, a.title FROM track t JOIN album a ON a.album_id = t.album_id WHERE t.track_id = 1;
-- name: join-entered-by-fk
SELECT t.name, a.title FROM album a JOIN track t ON t.album_id = a.album_id WHERE a.artist_id = 1;
-- name: join-no-constant
SELECT t.name, a.title FROM track t JOIN album a ON a.album_id = t.album_id;
-- name: join-unindexed-constant
SELECT t.name, a.title FROM track t JOIN album a ON a.album_id = t.album_id WHERE a.title = 'Facelift';
-- name: join-three-tables
SELECT ar.name, al.title, t.name FROM artist ar JOIN album al ON al.artist_id = ar.artist_id JOIN track t ON t.album_id = al.album_id WHERE ar.name = 'Queen';
-- name: join-four-tables-chain
SELECT c.first_name, i.invoice_date, il.quantity, t.name FROM customer c JOIN invoice i ON i.customer_id = c.customer_id JOIN invoice_line il ON il.invoice_id = i.invoice_id JOIN track t ON t.track_id = il.track_id WHERE c.customer_id = 12;
-- name: join-entered-from-middle
SELECT c.first_name, il.quantity FROM customer c JOIN invoice i ON i.customer_id = c.customer_id JOIN invoice_line il ON il.invoice_id = i.invoice_id WHERE i.invoice_id = 99;
-- name: join-comma-syntax
SELECT t.name, g.name FROM track t, genre g WHERE g.genre_id = t.genre_id AND t.album_id = 10;
-- name: join-using
SELECT * FROM track JOIN album USING (album_id) WHERE album.artist_id = 22;
-- name: join-self
SELECT e.last_name, m.last_name AS manager FROM employee e JOIN employee m ON m.employee_id = e.reports_to WHERE e.employee_id = 4;
-- name: join-self-reverse
SELECT e.last_name FROM employee m JOIN employee e ON e.reports_to = m.employee_id WHERE m.employee_id = 2;
-- name: join-unindexed-join-key
SELECT c.first_name, e.first_name FROM employee e JOIN customer c ON c.city = e.city WHERE e.employee_id = 3;
-- name: join-unindexed-join-key-other-way
SELECT c.first_name, e.first_name FROM customer c JOIN employee e ON e.city = c.city WHERE c.customer_id = 3;
-- name: join-cross-with-constants
SELECT * FROM genre g CROSS JOIN media_type m WHERE g.genre_id = 1 AND m.media_type_id = 2;
-- name: join-cross-one-unconstrained
SELECT * FROM genre g CROSS JOIN media_type m WHERE g.genre_id = 1;
-- name: join-playlist-tracks
SELECT p.name, t.name FROM playlist p JOIN playlist_track pt ON pt.playlist_id = p.playlist_id JOIN track t ON t.track_id = pt.track_id WHERE p.playlist_id = 5;
-- name: join-range-predicate-entry
SELECT i.invoice_id, c.email FROM invoice i JOIN customer c ON c.customer_id = i.customer_id WHERE i.invoice_id > 400;
-- name: join-two-entries
SELECT * FROM invoice i JOIN customer c ON c.customer_id = i.customer_id WHERE i.billing_country = 'Norway' AND c.last_name = 'Hansen';
-- name: join-constant-on-unindexed-and-fk
SELECT t.name FROM track t JOIN genre g ON g.genre_id = t.genre_id WHERE g.name = 'Jazz' AND t.milliseconds > 100000;

-- ---- outer joins ----------------------------------------------------------------------
-- name: left-join-from-preserved
SELECT a.title, t.name FROM album a LEFT JOIN track t ON t.album_id = a.album_id WHERE a.album_id = 3;
-- name: left-join-constant-only-on-nullable
SELECT a.title, t.name FROM album a LEFT JOIN track t ON t.album_id = a.album_id AND t.track_id = 5;
-- name: left-join-anti-pattern
SELECT a.album_id FROM album a LEFT JOIN track t ON t.album_id = a.album_id WHERE t.track_id IS NULL;
-- name: left-join-reduced-to-inner
SELECT a.title FROM album a LEFT JOIN track t ON t.album_id = a.album_id WHERE t.track_id = 7;
-- name: left-join-unindexed-nullable-key
SELECT e.first_name, c.first_name FROM employee e LEFT JOIN customer c ON c.city = e.city WHERE e.employee_id = 1;
-- name: right-join
SELECT t.name, a.title FROM track t RIGHT JOIN album a ON a.album_id = t.album_id WHERE a.album_id = 9;

-- ---- subqueries -----------------------------------------------------------------------
-- name: in-subquery-entered-inside
SELECT * FROM customer WHERE customer_id IN (SELECT customer_id FROM invoice WHERE invoice_id = 7);
-- name: in-subquery-entered-outside
SELECT * FROM invoice WHERE invoice_id = 7 AND customer_id IN (SELECT customer_id FROM customer WHERE country = 'Brazil');
-- name: in-subquery-unindexed-both
SELECT * FROM customer WHERE country = 'Brazil' AND customer_id IN (SELECT customer_id FROM invoice WHERE total > 20);
-- name: in-subquery-unconstrained-inner-indexed-key
SELECT * FROM album WHERE album_id = 4 AND album_id IN (SELECT album_id FROM track);
-- name: exists-correlated-entered-outside
SELECT * FROM customer c WHERE c.customer_id = 5 AND EXISTS (SELECT 1 FROM invoice i WHERE i.customer_id = c.customer_id);
-- name: exists-correlated-entered-inside
SELECT * FROM customer c WHERE EXISTS (SELECT 1 FROM invoice i WHERE i.customer_id = c.customer_id AND i.invoice_id = 100);
-- name: exists-unindexed-correlation
SELECT * FROM employee e WHERE e.employee_id = 2 AND EXISTS (SELECT 1 FROM customer c WHERE c.city = e.city);
-- name: exists-no-constant
SELECT * FROM artist ar WHERE EXISTS (SELECT 1 FROM album al WHERE al.artist_id = ar.artist_id);
-- name: not-exists-from-outer
SELECT * FROM artist ar WHERE ar.artist_id = 8 AND NOT EXISTS (SELECT 1 FROM album al WHERE al.artist_id = ar.artist_id);
-- name: not-exists-constant-only-inside
SELECT * FROM artist ar WHERE NOT EXISTS (SELECT 1 FROM album al WHERE al.artist_id = ar.artist_id AND al.album_id = 3);
-- name: not-exists-unindexed-inner
SELECT * FROM employee e WHERE e.employee_id = 2 AND NOT EXISTS (SELECT 1 FROM customer c WHERE c.city = e.city);
-- name: not-in-subquery
SELECT * FROM track WHERE track_id = 3 AND genre_id NOT IN (SELECT genre_id FROM genre WHERE name = 'Rock');
-- name: not-in-subquery-unconstrained-outer
SELECT * FROM track WHERE genre_id NOT IN (SELECT genre_id FROM genre WHERE name = 'Rock');
-- name: scalar-subquery-uncorrelated
SELECT * FROM track WHERE album_id = (SELECT album_id FROM album WHERE title = 'Facelift');
-- name: scalar-subquery-uncorrelated-indexed
SELECT * FROM track WHERE album_id = (SELECT min(album_id) FROM album WHERE artist_id = 1);
-- name: scalar-subquery-in-select-list
SELECT a.title, (SELECT count(*) FROM track t WHERE t.album_id = a.album_id) AS tracks FROM album a WHERE a.album_id = 1;
-- name: scalar-subquery-in-select-unindexed
SELECT c.customer_id, (SELECT max(total) FROM invoice i WHERE i.billing_city = c.city) FROM customer c WHERE c.customer_id = 1;
-- name: correlated-scalar-comparison
SELECT * FROM invoice i WHERE i.customer_id = 3 AND i.total > (SELECT avg(total) FROM invoice j WHERE j.customer_id = i.customer_id);
-- name: min-max-on-indexed-column
SELECT max(invoice_id) FROM invoice;
-- name: min-max-on-unindexed-column
SELECT max(total) FROM invoice;
-- name: count-star-full
SELECT count(*) FROM track;
-- name: derived-table-flattened
SELECT s.name FROM (SELECT name, album_id FROM track) s WHERE s.album_id = 5;
-- name: derived-table-flattened-unindexed
SELECT s.name FROM (SELECT name, milliseconds FROM track) s WHERE s.milliseconds > 5;
-- name: derived-aggregate-pushdown
SELECT * FROM (SELECT album_id, count(*) AS n FROM track GROUP BY album_id) s WHERE s.album_id = 5;
-- name: derived-aggregate-no-pushdown
SELECT * FROM (SELECT album_id, count(*) AS n FROM track GROUP BY album_id) s WHERE s.n > 5;
-- name: derived-aggregate-joined
SELECT a.title, s.n FROM (SELECT album_id, count(*) AS n FROM track WHERE genre_id = 1 GROUP BY album_id) s JOIN album a ON a.album_id = s.album_id;
-- name: derived-limit
SELECT * FROM (SELECT * FROM invoice WHERE customer_id = 2 ORDER BY invoice_date DESC LIMIT 5) recent;

-- ---- CTEs -----------------------------------------------------------------------------
-- name: cte-inlined
WITH rock AS (SELECT track_id, name FROM track WHERE genre_id = 1) SELECT * FROM rock WHERE track_id = 10;
-- name: cte-inlined-unindexed
WITH long_tracks AS (SELECT track_id, name FROM track WHERE milliseconds > 500000) SELECT * FROM long_tracks;
-- name: cte-joined
WITH q AS (SELECT album_id FROM album WHERE artist_id = 50) SELECT t.name FROM q JOIN track t ON t.album_id = q.album_id;
-- name: cte-materialized-used-twice
WITH inv AS (SELECT customer_id, total FROM invoice WHERE billing_country = 'USA') SELECT a.customer_id FROM inv a JOIN inv b ON a.customer_id = b.customer_id;
-- name: cte-materialized-unindexed
WITH inv AS MATERIALIZED (SELECT customer_id, total FROM invoice WHERE total > 15) SELECT * FROM inv JOIN customer c ON c.customer_id = inv.customer_id;
-- name: cte-recursive-indexed
WITH RECURSIVE chain AS (SELECT employee_id, reports_to FROM employee WHERE employee_id = 1 UNION ALL SELECT e.employee_id, e.reports_to FROM employee e JOIN chain c ON e.reports_to = c.employee_id) SELECT * FROM chain;
-- name: cte-recursive-unindexed-step
WITH RECURSIVE same_city AS (SELECT customer_id, city FROM customer WHERE customer_id = 1 UNION SELECT c.customer_id, c.city FROM customer c JOIN same_city s ON c.city = s.city) SELECT * FROM same_city;

-- ---- set operations -------------------------------------------------------------------
-- name: union-all-served
SELECT name FROM artist WHERE artist_id = 1 UNION ALL SELECT title FROM album WHERE album_id = 1;
-- name: union-one-branch-unserved
SELECT name FROM artist WHERE artist_id = 1 UNION SELECT title FROM album WHERE title = 'x';
-- name: intersect
SELECT customer_id FROM invoice WHERE billing_country = 'Chile' INTERSECT SELECT customer_id FROM customer WHERE support_rep_id = 3;
-- name: except
SELECT track_id FROM playlist_track WHERE playlist_id = 1 EXCEPT SELECT track_id FROM invoice_line WHERE invoice_id = 3;
-- name: union-in-derived-table
SELECT * FROM (SELECT name FROM genre WHERE genre_id = 1 UNION SELECT name FROM media_type WHERE media_type_id = 1) u;

-- ---- UPDATE, DELETE, INSERT -----------------------------------------------------------
-- name: update-by-pk
UPDATE track SET unit_price = 1.29 WHERE track_id = 5;
-- name: update-unindexed
UPDATE customer SET fax = NULL WHERE phone = '+55 (12) 3923-5555';
-- name: update-from-join
UPDATE invoice_line SET unit_price = t.unit_price FROM track t WHERE t.track_id = invoice_line.track_id AND invoice_line.invoice_id = 4;
-- name: update-with-subquery
UPDATE track SET genre_id = (SELECT genre_id FROM genre WHERE name = 'Jazz') WHERE album_id = 2;
-- name: delete-by-fk
DELETE FROM invoice_line WHERE invoice_id = 17;
-- name: delete-unindexed
DELETE FROM invoice WHERE total = 0;
-- name: delete-using
DELETE FROM playlist_track USING playlist WHERE playlist.playlist_id = playlist_track.playlist_id AND playlist.name = 'Old';
-- name: delete-in-subquery
DELETE FROM invoice_line WHERE invoice_id IN (SELECT invoice_id FROM invoice WHERE customer_id = 9);
-- name: insert-values
INSERT INTO genre (genre_id, name) VALUES (100, 'Fado');
-- name: insert-select-served
INSERT INTO playlist_track (playlist_id, track_id) SELECT 1, track_id FROM track WHERE album_id = 3;
-- name: insert-select-unserved
INSERT INTO playlist_track (playlist_id, track_id) SELECT 1, track_id FROM track WHERE composer IS NULL;

-- ---- whole-table reads ----------------------------------------------------------------
-- name: no-where
SELECT * FROM genre;
-- name: order-by-limit-without-where
SELECT * FROM invoice ORDER BY invoice_id DESC LIMIT 10;
-- name: group-by-report
SELECT billing_country, sum(total) FROM invoice GROUP BY billing_country;
-- name: no-from
SELECT 1 + 1;
-- name: grouped-by-indexed-with-where
SELECT album_id, count(*) FROM track WHERE album_id BETWEEN 1 AND 10 GROUP BY album_id HAVING count(*) > 5;
-- name: distinct-with-where
SELECT DISTINCT genre_id FROM track WHERE album_id = 3;
-- name: window-with-where
SELECT invoice_id, sum(total) OVER (ORDER BY invoice_date) FROM invoice WHERE customer_id = 4;
