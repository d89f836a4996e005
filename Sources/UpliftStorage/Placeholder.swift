// UpliftStorage
