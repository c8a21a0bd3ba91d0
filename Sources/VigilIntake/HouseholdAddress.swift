import VigilCore

/// An address as compared to decide that a child lives where a reported person does (rule N2): the first
/// line's words, the postcode without spaces in capitals, and the country in capitals, so that `4 Sample
/// Road, Flat 2` and `4 sample road flat 2` at `ex34cd` are one household.
struct HouseholdAddress: Hashable, Sendable {
    /// The normalised comparison key.
    let key: String

    /// The household key of an address line, postcode and (optional) country.
    init(line: String, postcode: String, country: String?) {
        key = "\(LinkKey.words(line))|\(LinkKey.normalisedPostcode(postcode))|\((country ?? "").uppercased())"
    }
}
