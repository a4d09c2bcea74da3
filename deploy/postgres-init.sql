-- The JDBC source demo (connectors.json "demo-stations") copies this table into demo.cta.stations.
CREATE TABLE IF NOT EXISTS stations (stop_id int PRIMARY KEY, name text NOT NULL, lat numeric(9,6), lon numeric(9,6));
INSERT INTO stations VALUES (30001, 'Austin', 41.870851, -87.776812), (30013, 'Harlem', 41.886848, -87.803176)
  ON CONFLICT DO NOTHING;
