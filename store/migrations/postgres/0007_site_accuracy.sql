-- How exact a site's coordinates are (metres, as the phone's GPS reported
-- them): NULL when unknown, as for coordinates typed in by hand.
ALTER TABLE sites ADD COLUMN accuracy_m DOUBLE PRECISION;
