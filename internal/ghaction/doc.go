// Package ghaction runs the steps of the repository's GitHub Action
// (action.yml) outside GitHub, with a simulated runner environment, so the
// action is tested the way it runs: same scripts, same inputs, same outputs.
package ghaction
