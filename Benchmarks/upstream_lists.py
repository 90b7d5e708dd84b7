#!/usr/bin/env python3
"""An independent server's lists (issue 35): N datasets over NODES nodes, listed as upstream
Flocker's control service lists them, written without any of fsh's code (nor the sandbox's).

  upstream_lists.py [--seed S] [--key-order py2|examples] N NODES OUTDIR

Writes OUTDIR/answers.json and the bodies of GET /v1/configuration/datasets,
/v1/state/datasets, /v1/state/nodes and /v1/version in the layout `replay_server.py record`
writes, so `replay_server.py serve OUTDIR CERTDIR` serves them.

How upstream lists (flocker/control/httpapi.py, _model.py at ClusterHQ/flocker's last commit):

- configuration (datasets_from_deployment): for node in deployment.nodes.itervalues(), for
  manifestation in node.manifestations.values(): one object per primary manifestation. Both
  maps are pyrsistent maps, so the order is a hash order: node by node, and within a node the
  datasets in the hash order of their ids. A dataset that moves changes place.
- state (state_datasets over DeploymentState.all_datasets): node by node, each node's primary
  manifestations, then every non-manifest dataset (attached nowhere) last.
- nodes (list_current_nodes): nodes.itervalues(), the same hash order.

Here Python's own set iteration over the uuid strings gives the hash order. Python's str hash
is randomized per process: with PYTHONHASHSEED unset every generation lists in another order
(the ids, names and sizes come from --seed, default 35, and stay the same); Benchmarks/run.sh
sets PYTHONHASHSEED=35 so that its lists are the same from run to run.

The bodies are what Python 2's json.dumps wrote for upstream: ", " and ": " separators, ASCII
only, and each object's keys in Python 2's dict order for those keys (computed below by
replaying CPython 2.7's string hash and dict probing; `--key-order examples` writes them in
the order of the API documentation's examples instead, the order the sandbox uses):
  configuration  {"deleted", "dataset_id", "maximum_size", "primary", "metadata"}
  state          {"path", "dataset_id", "maximum_size", "primary"}; non-manifest
                 {"dataset_id", "maximum_size"}
  nodes          {"host", "uuid"}
`maximum_size` is omitted where it is null, as upstream omits it.

The cluster: each dataset is configured on a node drawn at random, named "vol-00042" (its
index), a few with more metadata keys; sizes 1 GiB (most), 10 GiB, 100 GiB, 64 MiB, or none.
Most are attached on their primary (state: primary and path "/flocker/<id>", the size rounded
up to the backend's 1 GiB unit, 100 GiB where none was asked: upstream's default). About 3 %
are pending (configured, not in the state yet), 3 % deleted (deleted: true; half of them still
attached, being destroyed), 1 % moving (the state has them on their previous node, or, for
half of them, attached nowhere while in transit) and 0.5 % created but not attached yet
(non-manifest). The X-Configuration-Tag is the MD5 of the configuration body (upstream's is
a murmur3 hash of its saved configuration: 32 lower-case hex digits either way).
"""
import hashlib
import json
import os
import random
import sys
import uuid

GiB = 1 << 30
MASK64 = (1 << 64) - 1


def py2_hash(s):
    """CPython 2.7's hash of a str (or ASCII unicode) on a 64-bit build, randomization off."""
    if not s:
        return 0
    x = ord(s[0]) << 7
    for c in s:
        x = ((1000003 * x) & MASK64) ^ ord(c)
    x ^= len(s)
    if x >= 1 << 63:
        x -= 1 << 64
    return -2 if x == -1 else x


def py2_order(keys):
    """The order in which a CPython 2.7 dict that had `keys` inserted in this order iterates."""
    size, table, used = 8, [], 0

    def insert(slots, key):
        h = py2_hash(key) & MASK64
        mask = len(slots) - 1
        i, perturb = h & mask, h
        while slots[i & mask] is not None:
            i = (i << 2) + i + perturb + 1
            perturb >>= 5
        slots[i & mask] = key

    table = [None] * size
    for k in keys:
        insert(table, k)
        used += 1
        if used * 3 >= len(table) * 2:  # dictresize(mp, 4 * used): a power of 2 above it
            new = 8
            while new <= 4 * used:
                new <<= 1
            old, table = table, [None] * new
            for key in old:
                if key is not None:
                    insert(table, key)
    return [k for k in table if k is not None]


def main(argv):
    seed, key_order = 35, "py2"
    args = argv[1:]
    while args and args[0].startswith("--"):
        if args[0] == "--seed" and len(args) > 1:
            seed, args = int(args[1]), args[2:]
        elif args[0] == "--key-order" and len(args) > 1 and args[1] in ("py2", "examples"):
            key_order, args = args[1], args[2:]
        else:
            sys.exit(__doc__)
    if len(args) != 3:
        sys.exit(__doc__)
    n, node_count, outdir = int(args[0]), int(args[1]), args[2]
    if not 1 <= node_count <= 254:
        sys.exit("upstream_lists.py: NODES must be 1 to 254 (hosts 10.0.1.1 to 10.0.1.254)")

    if key_order == "py2":
        # dict(dataset_id=…, deleted=…, primary=…, metadata=…): the keyword dict is merged in its
        # own order, then maximum_size is set (api_dataset_from_dataset_and_node).
        config_keys = py2_order(py2_order(["dataset_id", "deleted", "primary", "metadata"]) + ["maximum_size"])
        state_keys = py2_order(["dataset_id", "primary", "path", "maximum_size"])
        nonmanifest_keys = py2_order(["dataset_id", "maximum_size"])
        node_keys = py2_order(["host", "uuid"])
        metadata_order = py2_order
    else:
        config_keys = ["dataset_id", "primary", "maximum_size", "metadata", "deleted"]
        state_keys = ["dataset_id", "primary", "maximum_size", "path"]
        nonmanifest_keys = ["dataset_id", "maximum_size"]
        node_keys = ["host", "uuid"]
        metadata_order = list

    rng = random.Random(seed)

    def new_uuid():
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    nodes = [new_uuid() for _ in range(node_count)]
    host = {u: "10.0.1.%d" % (i + 1) for i, u in enumerate(nodes)}
    configured = {u: [] for u in nodes}   # node -> [dataset id]
    manifest = {u: [] for u in nodes}     # node -> [dataset id] attached there (state)
    nonmanifest = []                      # dataset ids attached nowhere
    config_entry, state_entry = {}, {}
    counts = dict(attached=0, pending=0, deleted=0, moving=0, unattached=0)

    for i in range(n):
        ds = new_uuid()
        primary = nodes[rng.randrange(node_count)]
        r = rng.random()
        size = (1 * GiB if r < 0.7 else 10 * GiB if r < 0.85 else 100 * GiB if r < 0.9
                else 64 << 20 if r < 0.95 else None)
        metadata = {"name": "vol-%05d" % i}
        r = rng.random()
        if r < 0.05:
            metadata["owner"] = "team-%d" % rng.randrange(12)
            if r < 0.02:
                metadata["app"] = rng.choice(["postgres", "redis", "kafka", "elasticsearch"])
                metadata["tier"] = rng.choice(["gold", "silver"])
        r = rng.random()
        kind = ("pending" if r < 0.03 else "deleted" if r < 0.06 else "moving" if r < 0.07
                else "unattached" if r < 0.075 else "attached")
        counts[kind] += 1
        values = {"dataset_id": ds, "deleted": kind == "deleted", "primary": primary,
                  "metadata": {k: metadata[k] for k in metadata_order(list(metadata))}}
        if size is not None:
            values["maximum_size"] = size
        config_entry[ds] = {k: values[k] for k in config_keys if k in values}
        configured[primary].append(ds)

        actual = 100 * GiB if size is None else -(-size // GiB) * GiB
        if kind == "pending" or (kind == "deleted" and rng.random() < 0.5):
            continue
        at = primary
        if kind == "moving":
            if rng.random() < 0.5 or node_count == 1:
                at = None
            else:
                at = rng.choice([u for u in nodes if u != primary])
        elif kind == "unattached":
            at = None
        if at is None:
            nonmanifest.append(ds)
            state_entry[ds] = {k: {"dataset_id": ds, "maximum_size": actual}[k] for k in nonmanifest_keys}
        else:
            manifest[at].append(ds)
            values = {"dataset_id": ds, "primary": at, "path": "/flocker/" + ds, "maximum_size": actual}
            state_entry[ds] = {k: values[k] for k in state_keys}

    # The hash order: Python's own set iteration over the uuid strings.
    node_order = list(set(nodes))
    config_list = [config_entry[ds] for u in node_order for ds in set(configured[u])]
    state_list = [state_entry[ds] for u in node_order for ds in set(manifest[u])]
    state_list += [state_entry[ds] for ds in set(nonmanifest)]
    node_list = [{k: {"host": host[u], "uuid": u}[k] for k in node_keys} for u in node_order]

    bodies = {
        "configuration-datasets.json": json.dumps(config_list).encode("ascii"),
        "state-datasets.json": json.dumps(state_list).encode("ascii"),
        "state-nodes.json": json.dumps(node_list).encode("ascii"),
        "version.json": json.dumps({"flocker": "1.15.0"}).encode("ascii"),
    }
    os.makedirs(outdir, exist_ok=True)
    for name, body in bodies.items():
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(body)
    json_type = ["Content-Type", "application/json"]
    tag = hashlib.md5(bodies["configuration-datasets.json"]).hexdigest()
    answers = {
        "/v1/configuration/datasets": {"file": "configuration-datasets.json", "status": 200,
                                       "headers": [json_type, ["X-Configuration-Tag", tag]]},
        "/v1/state/datasets": {"file": "state-datasets.json", "status": 200, "headers": [json_type]},
        "/v1/state/nodes": {"file": "state-nodes.json", "status": 200, "headers": [json_type]},
        "/v1/version": {"file": "version.json", "status": 200, "headers": [json_type]},
    }
    with open(os.path.join(outdir, "answers.json"), "w") as f:
        f.write("{\n" + ",\n".join(" %s: %s" % (json.dumps(p), json.dumps(a)) for p, a in answers.items()) + "\n}\n")
    sys.stderr.write("upstream_lists.py: %d datasets on %d nodes (%s); %d in the configuration, %d in the state "
                     "(%d attached nowhere)\n" % (n, node_count, ", ".join("%d %s" % (v, k) for k, v in counts.items()),
                                                  len(config_list), len(state_list), len(nonmanifest)))


if __name__ == "__main__":
    main(sys.argv)
