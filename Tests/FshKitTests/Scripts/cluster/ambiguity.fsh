# sandbox
let a = create twin-x 1G on 10.0.0.1
let b = create twin-x 1G on 10.0.0.2 --force
move twin-x to 10.0.0.3
# expect error: 4:6: 2 datasets are named 'twin-x'
