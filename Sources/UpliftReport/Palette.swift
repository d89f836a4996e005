/// The Okabe–Ito palette: eight colours that people with the common colour-vision deficiencies
/// can tell apart. Charts pair colour with a second cue (marker shape, dash, label) for print.
public enum Palette {
    public static let black = "#000000"
    public static let orange = "#E69F00"
    public static let skyBlue = "#56B4E9"
    public static let bluishGreen = "#009E73"
    public static let yellow = "#F0E442"
    public static let blue = "#0072B2"
    public static let vermillion = "#D55E00"
    public static let reddishPurple = "#CC79A7"
    /// Neutral greys for axes, grids and "inconclusive" marks (not part of Okabe–Ito).
    public static let grey = "#6E6E6E"
    public static let lightGrey = "#D9D9D9"
    public static let ink = "#1A1A1A"
}
