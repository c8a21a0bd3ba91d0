#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// An occupation a source reported.
public struct Occupation: Sendable, Hashable, Codable {
    /// Job title.
    public var title: String?
    /// Works or volunteers with children, when known.
    public var worksWithChildren: Bool?

    /// Creates an occupation.
    public init(title: String?, worksWithChildren: Bool?) {
        self.title = title
        self.worksWithChildren = worksWithChildren
    }
}

/// What one check's answer tells Vigil, ready to be recorded with provenance `check:<source>`.
public struct CheckFindings: Sendable, Hashable {
    /// Fact observations.
    public var observations: [FactObservation]
    /// Children found.
    public var children: [Child]
    /// A resolved address (subscriber) — unlocks address-based checks; an installation address links cases.
    public var address: PostalAddress?
    /// Persons identified — unlock person-based checks.
    public var persons: [PersonIdentity]
    /// A one-line summary for researchers.
    public var summary: String?

    /// Creates findings.
    public init(
        observations: [FactObservation] = [], children: [Child] = [], address: PostalAddress? = nil,
        persons: [PersonIdentity] = [], summary: String? = nil
    ) {
        self.observations = observations
        self.children = children
        self.address = address
        self.persons = persons
        self.summary = summary
    }

    /// A `404` answer: the source has no record, so every fact it can yield is `no` from that source.
    public static func noRecord(from source: IntelSourceSpec, at: Date) -> CheckFindings {
        CheckFindings(
            observations: source.yieldedFacts.map {
                FactObservation(fact: $0, value: false, provenance: .check(source.name), at: at)
            },
            summary: "no record")
    }

    /// What research can start from next.
    public var researchInputs: ResearchInputs {
        ResearchInputs(addresses: address.map { [$0] } ?? [], persons: persons)
    }
}
