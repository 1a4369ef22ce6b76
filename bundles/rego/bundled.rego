# METADATA
# title: 同梱された開示で判定 / Decide the bundled disclosure
# description: |
#   Added to a bundle built with claims (kaiji bundle build --claims). An OPA
#   server that holds the bundle then needs only the facts: POST
#   {"input": {"facts": ...}} to /v1/data/kaiji/bundled/result and it
#   evaluates data.kaiji.main.result with the claims, pattern and edition
#   stored at data.kaiji.disclosure. Any claims, pattern or edition in the
#   input are ignored: the bundle says what is claimed.
# entrypoint: true
# scope: package
package kaiji.bundled

import data.kaiji.disclosure
import data.kaiji.main

# result is data.kaiji.main.result for the bundled disclosure.
result := r if {
	r := main.result with input as bundled_input
}

bundled_input := {
	"facts": object.get(input, "facts", {}),
	"claims": disclosure.claims,
	"pattern": disclosure.pattern,
	"edition": disclosure.edition,
}
