-- Indexes added for the advisor corpus (not part of Chinook): an expression index,
-- partial indexes, composite indexes and unique constraints, so that every rule of the
-- analyzer meets the planner at least once.
CREATE INDEX customer_lower_email_idx ON customer (lower(email));
CREATE INDEX invoice_country_date_idx ON invoice (billing_country, invoice_date);
CREATE INDEX employee_agent_city_idx ON employee (city) WHERE title = 'Sales Support Agent';
CREATE INDEX track_composer_idx ON track (composer) WHERE composer IS NOT NULL;
CREATE INDEX customer_name_idx ON customer (last_name, first_name);
CREATE INDEX artist_name_idx ON artist (name);
ALTER TABLE genre ADD CONSTRAINT genre_name_key UNIQUE (name);
ALTER TABLE media_type ADD CONSTRAINT media_type_name_key UNIQUE (name);
