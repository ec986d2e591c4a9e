-- The same additions as extra-postgresql.sql, in SQLite's names and syntax (SQLite has no
-- ALTER TABLE ... ADD CONSTRAINT: the unique constraints become unique indexes).
CREATE INDEX customer_lower_email_idx ON Customer (lower(Email));
CREATE INDEX invoice_country_date_idx ON Invoice (BillingCountry, InvoiceDate);
CREATE INDEX employee_agent_city_idx ON Employee (City) WHERE Title = 'Sales Support Agent';
CREATE INDEX track_composer_idx ON Track (Composer) WHERE Composer IS NOT NULL;
CREATE INDEX customer_name_idx ON Customer (LastName, FirstName);
CREATE INDEX artist_name_idx ON Artist (Name);
CREATE UNIQUE INDEX genre_name_key ON Genre (Name);
CREATE UNIQUE INDEX media_type_name_key ON MediaType (Name);
