# sandbox
# dataset NAME (the record), wait … on NODE, api then curl, `if COMMAND ARGS`, and CSV
# quoting of a name with a comma and quotes. Waits for convergence instead of assuming it.
let ds = create 'rec, "q"' 1G on 10.0.0.2 meta team=storage
wait $ds attached on 10.0.0.2 timeout 60s
# expect: 'rec, "q"' (*) is attached on * (10.0.0.2) at /flocker/*
let r = dataset $ds
echo $r.name $r.dataset_id $r.metadata.team
# expect: rec, "q" ????????-????-????-????-???????????? storage
if "$r.primary" == "" or "$r.path" !~ "/flocker/*" { echo incomplete } else { echo complete }
# expect: complete
echo $r.status
# expect: attached
if dataset $ds { echo yes } else { echo no }
# expect: yes
if dataset no-such-dataset-here { echo yes } else { echo "no: $error.code" }
# expect: no: not-found
try wait $ds attached on 10.0.0.3 timeout 1s
echo $?
# expect: 1
datasets name 'rec, *' -o csv
# expect: dataset_id,name,*
# expect: ????????-????-????-????-????????????,"rec, ""q""",*
let v = api GET /v1/version
curl
# expect: curl --cacert * https://control-service:*/v1/version
