# env export: -o json is --format json; -o json with another --format, or -o csv, is an error
# rather than one of them silently winning.
set host 10.0.0.5
set certs /srv/flocker
set user kubernetes
try env export --format sh -o json
echo $error.message
# expect: '--format sh' and output format 'json' disagree
try env export -o csv
echo $error.message
# expect: env export has no csv form
env export --for flockerctl --format sh
# expect: # a ./cluster.yml in the working directory overrides these variables for flockerctl
# expect: export FLOCKER_CERTS_PATH=/srv/flocker
# expect: export FLOCKER_USER=kubernetes
# expect: export FLOCKER_CONTROL_SERVICE=10.0.0.5
env export --for flockerctl -o json
# expect: {
# expect:   "FLOCKER_CERTS_PATH": "/srv/flocker",
# expect:   "FLOCKER_USER": "kubernetes",
# expect:   "FLOCKER_CONTROL_SERVICE": "10.0.0.5"
# expect: }
