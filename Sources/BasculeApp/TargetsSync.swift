import BasculeDomain
import BasculeLDAP
import BasculeSpaces
import BasculeStore
import Foundation

/// After the embedded directory, its targets: the real directory, then the file spaces, when
/// `bascule.yml` describes them. The one place a plan reaches them, for `bascule apply`, the
/// daily run and the service. The spaces follow even when the directory cannot be reached (their
/// numbers come from the store), so that a new account's folder is there once it can sign in.
public struct TargetsSync: Sendable {
    public let store: Store
    /// Connects to the real directory; nil without one.
    public let directory: (@Sendable () throws -> OpenLDAPConnector)?
    public let spaces: SpacesSettings?
    public let firstPosixNumber: Int

    public init(store: Store, directory: (@Sendable () throws -> OpenLDAPConnector)?, spaces: SpacesSettings?,
                firstPosixNumber: Int = 100_000) {
        self.store = store
        self.directory = directory
        self.spaces = spaces
        self.firstPosixNumber = firstPosixNumber
    }

    /// What each target did, or why it could not: an error here is the target's, never the plan's.
    public struct Outcome: Sendable {
        public var directory: DirectorySyncReport?
        /// `LDAPError` (unreachable, refused) or `SyncRefusal` (the guard).
        public var directoryError: (any Error)?
        public var spaces: SpacesSyncReport?
        /// `SpacesError` or `SyncRefusal`.
        public var spacesError: (any Error)?

        public var directoryFailed: Bool { directoryError != nil || !(directory?.failures.isEmpty ?? true) }
        public var spacesFailed: Bool { spacesError != nil || !(spaces?.failures.isEmpty ?? true) }
    }

    /// Brings the configured targets to the embedded directory of `uai`.
    /// - Parameters:
    ///   - removals: whether the spaces of groups gone may go today (the calendar's clean-up window).
    ///   - deletions: the syncs' mass-change guard, with a person's confirmation if given.
    public func sync(uai: UAI, day: CivilDate, removals: SharedSpaceRemovals, deletions: SyncDeletionGuard = .init(),
                     actor: String = PlanningService.defaultActor) async throws -> Outcome {
        var outcome = Outcome()
        if let connect = directory {
            do {
                let connector = try connect()
                outcome.directory = try await DirectorySyncService(store: store, connector: connector, layout: connector.layout)
                    .sync(uai: uai, deletions: deletions, actor: actor)
            } catch let error as LDAPError {
                outcome.directoryError = error
            } catch let refusal as SyncRefusal {
                outcome.directoryError = refusal
            }
        }
        if let spaces {
            do {
                outcome.spaces = try await SpacesService(store: store, settings: spaces, firstPosixNumber: firstPosixNumber)
                    .sync(uai: uai, date: day, removals: removals, deletions: deletions, actor: actor)
            } catch let error as SpacesError {
                outcome.spacesError = error
            } catch let refusal as SyncRefusal {
                outcome.spacesError = refusal
            }
        }
        return outcome
    }
}
