# sandbox
let ds = create never-detached 1G on 10.0.0.3
wait $ds attached
# expect: 'never-detached' (*) is attached on * (10.0.0.3) at /flocker/*
wait $ds detached timeout 1s
# expect error: 5:6: dataset '*' is not detached after 1s
