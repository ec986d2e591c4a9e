-- TPC-H corpus for the index advisor (see README.md). Labelled by the planners in
-- tests/checks/index_advisor/test_planner_agreement.py.

-- ---- point and range look-ups ---------------------------------------------------------
-- name: order-by-key
SELECT * FROM orders WHERE o_orderkey = 1;
-- name: lineitems-of-order
SELECT * FROM lineitem WHERE l_orderkey = 7;
-- name: lineitem-by-pk
SELECT * FROM lineitem WHERE l_orderkey = 7 AND l_linenumber = 2;
-- name: lineitem-by-linenumber-only
SELECT * FROM lineitem WHERE l_linenumber = 2;
-- name: lineitem-by-part
SELECT * FROM lineitem WHERE l_partkey = 100;
-- name: lineitem-by-supplier-only
SELECT * FROM lineitem WHERE l_suppkey = 10;
-- name: lineitem-shipdate-range
SELECT * FROM lineitem WHERE l_shipdate >= '1994-01-01' AND l_shipdate < '1995-01-01';
-- name: lineitem-shipdate-between
SELECT sum(l_extendedprice * l_discount) FROM lineitem WHERE l_shipdate BETWEEN '1994-01-01' AND '1994-12-31' AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24;
-- name: lineitem-receiptdate
SELECT * FROM lineitem WHERE l_receiptdate > '1998-01-01';
-- name: orders-by-date
SELECT o_orderkey FROM orders WHERE o_orderdate = '1995-03-15';
-- name: orders-by-customer
SELECT * FROM orders WHERE o_custkey = 42;
-- name: orders-by-status
SELECT * FROM orders WHERE o_orderstatus = 'F';
-- name: orders-open-by-clerk
SELECT * FROM orders WHERE o_orderstatus = 'O' AND o_clerk = 'Clerk#000000951';
-- name: orders-clerk-any-status
SELECT * FROM orders WHERE o_clerk = 'Clerk#000000951';
-- name: partsupp-by-part
SELECT * FROM partsupp WHERE ps_partkey = 5;
-- name: partsupp-by-supplier
SELECT * FROM partsupp WHERE ps_suppkey = 5;
-- name: partsupp-by-cost
SELECT * FROM partsupp WHERE ps_supplycost < 10;
-- name: part-by-type-prefix
SELECT * FROM part WHERE p_type LIKE 'PROMO%';
-- name: part-by-brand
SELECT * FROM part WHERE p_brand = 'Brand#23' AND p_container = 'MED BOX';
-- name: part-by-key-list
SELECT * FROM part WHERE p_partkey IN (1, 2, 3);
-- name: customer-phone-country-expression
SELECT * FROM customer WHERE substr(c_phone, 1, 2) = '13';
-- name: customer-phone-country-in
SELECT * FROM customer WHERE substr(c_phone, 1, 2) IN ('13', '31', '23');
-- name: customer-by-segment
SELECT * FROM customer WHERE c_mktsegment = 'BUILDING';
-- name: customer-by-balance
SELECT * FROM customer WHERE c_acctbal > 9000;
-- name: nation-by-name
SELECT * FROM nation WHERE n_name = 'GERMANY';
-- name: nations-of-region
SELECT * FROM nation WHERE n_regionkey = 3;
-- name: supplier-by-nation
SELECT * FROM supplier WHERE s_nationkey = 7;
-- name: supplier-comment-complaints
SELECT * FROM supplier WHERE s_comment LIKE '%Customer%Complaints%';
-- name: orders-year-function
SELECT * FROM orders WHERE extract(year FROM o_orderdate) = 1995;
-- name: lineitem-commit-before-receipt
SELECT * FROM lineitem WHERE l_commitdate < l_receiptdate;
-- name: orders-date-or-customer
SELECT * FROM orders WHERE o_orderdate = '1996-01-02' OR o_custkey = 7;
-- name: orders-date-or-priority
SELECT * FROM orders WHERE o_orderdate = '1996-01-02' OR o_orderpriority = '1-URGENT';
-- name: orders-price-arithmetic
SELECT * FROM orders WHERE o_totalprice * 2 > 100000 AND o_orderkey < 100;

-- ---- benchmark-shaped joins -----------------------------------------------------------
-- name: q3-shipping-priority
SELECT l_orderkey, sum(l_extendedprice * (1 - l_discount)) AS revenue, o_orderdate, o_shippriority FROM customer, orders, lineitem WHERE c_mktsegment = 'BUILDING' AND c_custkey = o_custkey AND l_orderkey = o_orderkey AND o_orderdate < '1995-03-15' AND l_shipdate > '1995-03-15' GROUP BY l_orderkey, o_orderdate, o_shippriority;
-- name: q3-one-customer
SELECT l_orderkey, o_orderdate FROM customer, orders, lineitem WHERE c_custkey = 1234 AND c_custkey = o_custkey AND l_orderkey = o_orderkey;
-- name: q4-order-priority
SELECT o_orderpriority, count(*) FROM orders WHERE o_orderdate >= '1993-07-01' AND o_orderdate < '1993-10-01' AND EXISTS (SELECT * FROM lineitem WHERE l_orderkey = o_orderkey AND l_commitdate < l_receiptdate) GROUP BY o_orderpriority;
-- name: q5-local-supplier
SELECT n_name, sum(l_extendedprice * (1 - l_discount)) FROM customer, orders, lineitem, supplier, nation, region WHERE c_custkey = o_custkey AND l_orderkey = o_orderkey AND l_suppkey = s_suppkey AND c_nationkey = s_nationkey AND s_nationkey = n_nationkey AND n_regionkey = r_regionkey AND r_name = 'ASIA' AND o_orderdate >= '1994-01-01' AND o_orderdate < '1995-01-01' GROUP BY n_name;
-- name: q5-region-by-key
SELECT n_name, s_name FROM region, nation, supplier WHERE r_regionkey = 2 AND n_regionkey = r_regionkey AND s_nationkey = n_nationkey;
-- name: q10-returned-items
SELECT c_custkey, c_name, sum(l_extendedprice) FROM customer, orders, lineitem, nation WHERE c_custkey = o_custkey AND l_orderkey = o_orderkey AND o_orderdate >= '1993-10-01' AND o_orderdate < '1994-01-01' AND l_returnflag = 'R' AND c_nationkey = n_nationkey GROUP BY c_custkey, c_name;
-- name: q12-shipmodes
SELECT l_shipmode, count(*) FROM orders, lineitem WHERE o_orderkey = l_orderkey AND l_shipmode IN ('MAIL', 'SHIP') AND l_receiptdate >= '1994-01-01' AND l_receiptdate < '1995-01-01' GROUP BY l_shipmode;
-- name: q17-small-quantity
SELECT sum(l_extendedprice) / 7.0 FROM lineitem, part WHERE p_partkey = l_partkey AND p_brand = 'Brand#23' AND p_container = 'MED BOX' AND l_quantity < (SELECT 0.2 * avg(l_quantity) FROM lineitem WHERE l_partkey = p_partkey);
-- name: q17-one-part
SELECT sum(l_extendedprice) FROM lineitem, part WHERE p_partkey = l_partkey AND p_partkey = 77 AND l_quantity < (SELECT 0.2 * avg(l_quantity) FROM lineitem WHERE l_partkey = p_partkey);
-- name: q18-large-orders
SELECT c_name, o_orderkey, sum(l_quantity) FROM customer, orders, lineitem WHERE o_orderkey IN (SELECT l_orderkey FROM lineitem GROUP BY l_orderkey HAVING sum(l_quantity) > 300) AND c_custkey = o_custkey AND o_orderkey = l_orderkey GROUP BY c_name, o_orderkey;
-- name: q20-potential-promotion
SELECT s_name FROM supplier, nation WHERE s_suppkey IN (SELECT ps_suppkey FROM partsupp WHERE ps_partkey IN (SELECT p_partkey FROM part WHERE p_name LIKE 'forest%')) AND s_nationkey = n_nationkey AND n_name = 'CANADA';
-- name: q21-waiting-suppliers
SELECT s_name, count(*) FROM supplier, lineitem l1, orders, nation WHERE s_suppkey = l1.l_suppkey AND o_orderkey = l1.l_orderkey AND o_orderstatus = 'F' AND l1.l_receiptdate > l1.l_commitdate AND EXISTS (SELECT * FROM lineitem l2 WHERE l2.l_orderkey = l1.l_orderkey AND l2.l_suppkey <> l1.l_suppkey) AND NOT EXISTS (SELECT * FROM lineitem l3 WHERE l3.l_orderkey = l1.l_orderkey AND l3.l_suppkey <> l1.l_suppkey AND l3.l_receiptdate > l3.l_commitdate) AND s_nationkey = n_nationkey AND n_nationkey = 20 GROUP BY s_name;
-- name: q22-global-sales
SELECT substr(c_phone, 1, 2) AS cntrycode, count(*) FROM customer WHERE substr(c_phone, 1, 2) IN ('13', '31') AND c_acctbal > (SELECT avg(c_acctbal) FROM customer WHERE c_acctbal > 0.00 AND substr(c_phone, 1, 2) IN ('13', '31')) AND NOT EXISTS (SELECT * FROM orders WHERE o_custkey = c_custkey) GROUP BY cntrycode;
-- name: q2-minimum-cost-supplier
SELECT s_acctbal, s_name, p_partkey FROM part, supplier, partsupp, nation, region WHERE p_partkey = ps_partkey AND s_suppkey = ps_suppkey AND p_size = 15 AND s_nationkey = n_nationkey AND n_regionkey = r_regionkey AND r_regionkey = 3 AND ps_supplycost = (SELECT min(ps_supplycost) FROM partsupp, supplier, nation WHERE p_partkey = ps_partkey AND s_suppkey = ps_suppkey AND s_nationkey = n_nationkey AND n_regionkey = 3);

-- ---- joins around the keys ------------------------------------------------------------
-- name: order-with-customer
SELECT o.*, c.c_name FROM orders o JOIN customer c ON c.c_custkey = o.o_custkey WHERE o.o_orderkey = 99;
-- name: customer-orders-lines
SELECT * FROM customer c JOIN orders o ON o.o_custkey = c.c_custkey JOIN lineitem l ON l.l_orderkey = o.o_orderkey WHERE c.c_custkey = 5;
-- name: lineitem-to-partsupp
SELECT * FROM lineitem l JOIN partsupp ps ON ps.ps_partkey = l.l_partkey AND ps.ps_suppkey = l.l_suppkey WHERE l.l_orderkey = 3;
-- name: partsupp-to-lineitem
SELECT * FROM partsupp ps JOIN lineitem l ON l.l_partkey = ps.ps_partkey AND l.l_suppkey = ps.ps_suppkey WHERE ps.ps_partkey = 3 AND ps.ps_suppkey = 4;
-- name: supplier-to-lineitem-by-suppkey
SELECT * FROM supplier s JOIN lineitem l ON l.l_suppkey = s.s_suppkey WHERE s.s_suppkey = 9;
-- name: nation-suppliers-customers
SELECT s.s_name, c.c_name FROM nation n JOIN supplier s ON s.s_nationkey = n.n_nationkey JOIN customer c ON c.c_nationkey = n.n_nationkey WHERE n.n_name = 'FRANCE';
-- name: region-nation-customers
SELECT c.c_name FROM region r JOIN nation n ON n.n_regionkey = r.r_regionkey JOIN customer c ON c.c_nationkey = n.n_nationkey WHERE r.r_regionkey = 1;
-- name: orders-by-comment-join
SELECT * FROM orders o JOIN customer c ON c.c_custkey = o.o_custkey WHERE o.o_comment LIKE '%special%';
-- name: left-join-customers-orders
SELECT c.c_custkey, count(o.o_orderkey) FROM customer c LEFT JOIN orders o ON o.o_custkey = c.c_custkey WHERE c.c_nationkey = 3 GROUP BY c.c_custkey;
-- name: left-join-orders-no-key
SELECT c.c_custkey, o.o_orderkey FROM customer c LEFT JOIN orders o ON o.o_comment = c.c_comment WHERE c.c_custkey = 3;
-- name: customers-without-orders
SELECT c_custkey FROM customer WHERE c_nationkey = 4 AND NOT EXISTS (SELECT 1 FROM orders WHERE o_custkey = c_custkey);
-- name: orders-of-segment-in
SELECT * FROM orders WHERE o_custkey IN (SELECT c_custkey FROM customer WHERE c_mktsegment = 'MACHINERY');
-- name: orders-of-nation-in
SELECT * FROM orders WHERE o_custkey IN (SELECT c_custkey FROM customer WHERE c_nationkey = 9);
-- name: lineitem-latest-shipdate
SELECT max(l_shipdate) FROM lineitem;
-- name: lineitem-max-quantity
SELECT max(l_quantity) FROM lineitem;
-- name: revenue-per-order-cte
WITH revenue AS (SELECT l_orderkey, sum(l_extendedprice) AS total FROM lineitem GROUP BY l_orderkey) SELECT * FROM revenue WHERE l_orderkey = 12;
-- name: revenue-per-supplier-cte-unfiltered
WITH revenue AS (SELECT l_suppkey, sum(l_extendedprice) AS total FROM lineitem WHERE l_shipdate >= '1996-01-01' GROUP BY l_suppkey) SELECT s.s_name, r.total FROM supplier s JOIN revenue r ON r.l_suppkey = s.s_suppkey;
-- name: union-of-keys
SELECT c_name FROM customer WHERE c_custkey = 1 UNION SELECT s_name FROM supplier WHERE s_suppkey = 1;
-- name: union-one-unserved
SELECT c_name FROM customer WHERE c_custkey = 1 UNION SELECT s_name FROM supplier WHERE s_phone = '27-918-335-1736';
-- name: update-order-status
UPDATE orders SET o_orderstatus = 'F' WHERE o_orderkey = 5;
-- name: update-order-priority-by-date
UPDATE orders SET o_orderpriority = '1-URGENT' WHERE o_orderdate = '1995-01-01';
-- name: update-lineitem-by-flag
UPDATE lineitem SET l_linestatus = 'F' WHERE l_returnflag = 'R';
-- name: delete-order-lines
DELETE FROM lineitem WHERE l_orderkey = 5;
-- name: delete-old-orders-of-customer
DELETE FROM orders WHERE o_custkey = 3 AND o_orderdate < '1993-01-01';
-- name: delete-parts-by-name
DELETE FROM part WHERE p_name = 'forest green';
