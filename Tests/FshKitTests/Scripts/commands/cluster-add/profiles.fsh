# cluster add, clusters, use, set/unset, cluster remove: profiles and where values come from
# (no cluster is contacted).
# The certs directories do not exist (no cluster is contacted): each use says so.
# expect warning: certs directory '/tmp/fsh-prod' does not exist
# expect warning: certs directory '/tmp/fsh-staging' does not exist
# expect warning: certs dir '/tmp/fsh-prod' (profile prod) does not exist or cannot be read
# expect warning: certs dir '/tmp/fsh-staging' (profile staging) does not exist or cannot be read
cluster add prod host 10.1.2.3 port 4600 certs /tmp/fsh-prod user alice
cluster add staging host 10.9.9.9 certs /tmp/fsh-staging user bob
for c in (clusters) { echo $c.name $c.host }
# expect: prod 10.1.2.3
# expect: staging 10.9.9.9
use cluster prod
for row in (config) { if $row.key == host or $row.key == port { echo $row.key $row.value $row.source } }
# expect: host 10.1.2.3 profile prod
# expect: port 4600 profile prod
set host 10.5.5.5
for row in (config) { if $row.key == host { echo $row.key $row.value $row.source } }
# expect: host 10.5.5.5 set
unset host
for row in (config) { if $row.key == host { echo $row.key $row.value $row.source } }
# expect: host 10.1.2.3 profile prod
use staging
for row in (config) { if $row.key == user { echo $row.key $row.value $row.source } }
# expect: user bob profile staging
for c in (clusters) { if $c.current { echo current: $c.name } }
# expect: current: staging
cluster remove staging
for c in (clusters) { echo $c.name }
# expect: prod
try use cluster staging
echo $error.message
# expect: no cluster profile 'staging'
# HOST:PORT in 'host' sets the port; an explicit 'port' wins; an out-of-range one is refused.
cluster add edge host 10.3.3.3:4700
cluster add edge2 host 10.4.4.4:4700 port 4800
for c in (clusters) { if $c.name != prod { echo $c.name $c.host $c.port } }
# expect: edge 10.3.3.3 4700
# expect: edge2 10.4.4.4 4800
try cluster add bad host 10.5.5.5:99999
echo $error.message
# expect: invalid port 99999 in '10.5.5.5:99999': expected a whole number from 1 to 65535
