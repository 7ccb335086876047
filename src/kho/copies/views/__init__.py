"""Web screens of the copies app: printing a classified document and the copy register."""
