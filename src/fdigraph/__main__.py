from fdigraph.cli import main

main()
