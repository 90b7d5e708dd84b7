# sandbox
let ds = create keep-me 1G on 10.0.0.2
destroy keep-me
# expect error: 3:9: 'destroy' needs --yes when it cannot ask
