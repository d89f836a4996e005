/// The Okabe–Ito palette: eight colours that people with the common colour-vision deficiencies
/// can tell apart. Charts pair colour with a second cue (marker shape, dash, label) for print.
package enum Palette {
    package static let black = "#000000"
    package static let orange = "#E69F00"
    package static let skyBlue = "#56B4E9"
    package static let bluishGreen = "#009E73"
    package static let yellow = "#F0E442"
    package static let blue = "#0072B2"
    package static let vermillion = "#D55E00"
    package static let reddishPurple = "#CC79A7"
    /// Neutral greys for axes, grids and "inconclusive" marks (not part of Okabe–Ito).
    package static let grey = "#6E6E6E"
    package static let lightGrey = "#D9D9D9"
    package static let ink = "#1A1A1A"
}
