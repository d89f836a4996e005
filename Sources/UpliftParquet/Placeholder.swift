// UpliftParquet
