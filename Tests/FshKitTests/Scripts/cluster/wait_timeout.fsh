# sandbox
let ds = create never-detached 1G on 10.0.0.3
wait $ds detached timeout 1s
# expect error: 3:1: dataset '*' is not detached after 1s
