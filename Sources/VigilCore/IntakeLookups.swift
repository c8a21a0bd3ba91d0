#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A case an arriving referral is connected to (by a shared identifier or as the case of the package it
/// supplements), as the store holds it.
public struct ConnectedCase: Sendable, Hashable {
    /// The case.
    public var caseId: CaseID
    /// How it was closed, nil while it is open.
    public var closed: PreviousCase?

    /// Creates the value.
    public init(caseId: CaseID, closed: PreviousCase?) {
        self.caseId = caseId
        self.closed = closed
    }
}

/// The package a supplementary referral names, as the store holds it.
public struct SupplementedReferral: Sendable, Hashable {
    /// The supplemented package's ref.
    public var ref: String
    /// When the force received it.
    public var receivedAt: Date
    /// Its case.
    public var connected: ConnectedCase

    /// Creates the value.
    public init(ref: String, receivedAt: Date, connected: ConnectedCase) {
        self.ref = ref
        self.receivedAt = receivedAt
        self.connected = connected
    }
}
