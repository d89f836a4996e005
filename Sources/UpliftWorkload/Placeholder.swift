// UpliftWorkload
