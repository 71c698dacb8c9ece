"""Working days (工作日): public holidays and adjusted working days (调休), for deadlines."""
