// The v1 API's objects, with its exact field names (reference flocker-api.md §1.5).
// The Flocker model, declared once: what the v1 API names (nodes, leases, the dataset
// configuration and state, versions) with the JSON field names it uses (read and written in ModelJSON.swift), and the status fsh derives
// from them. The client, the sandbox, the protocol between fsh and fsh-sandbox and the rehearsal
// plan all use these types.
import Foundation

/// `GET /v1/version`: `{"flocker": "1.15.0"}`.
public struct VersionInfo: Sendable, Equatable {
  public var flocker: String
  public init(flocker: String) { self.flocker = flocker }
}

/// One entry of the desired configuration (`/v1/configuration/datasets`).
public struct DatasetConfiguration: Sendable, Equatable, Hashable {
  public var datasetID: String
  public var primary: String?
  public var deleted: Bool
  public var metadata: [String: String]
  /// Bytes; nil means the backend default. Omitted from JSON when nil.
  public var maximumSize: Int?

  public init(
    datasetID: String, primary: String?, deleted: Bool = false, metadata: [String: String] = [:],
    maximumSize: Int? = nil
  ) {
    self.datasetID = datasetID
    self.primary = primary
    self.deleted = deleted
    self.metadata = metadata
    self.maximumSize = maximumSize
  }

  /// `metadata["name"]`, which Kubernetes and the Docker plugin find datasets by.
  public var name: String? { metadata["name"] }

}

public typealias Dataset = DatasetConfiguration

/// One entry of the actual state (`/v1/state/datasets`). `primary` and `path` are present only
/// when the dataset is attached (manifest) on a node.
public struct DatasetState: Sendable, Equatable, Hashable {
  public var datasetID: String
  public var primary: String?
  public var path: String?
  public var maximumSize: Int?

  public init(
    datasetID: String, primary: String? = nil, path: String? = nil, maximumSize: Int? = nil
  ) {
    self.datasetID = datasetID
    self.primary = primary
    self.path = path
    self.maximumSize = maximumSize
  }
}

/// A node with a live agent (`/v1/state/nodes`).
public struct Node: Sendable, Equatable, Hashable {
  public var uuid: String
  public var host: String
  public init(uuid: String, host: String) {
    self.uuid = uuid
    self.host = host
  }
}

/// A lease (`/v1/configuration/leases`). `expires` is the *remaining* seconds, or nil for none.
public struct Lease: Sendable, Equatable, Hashable {
  public var datasetID: String
  public var nodeUUID: String
  public var expires: Double?

  public init(datasetID: String, nodeUUID: String, expires: Double?) {
    self.datasetID = datasetID
    self.nodeUUID = nodeUUID
    self.expires = expires
  }
}
