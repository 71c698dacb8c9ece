"""The check platform's engine and finding rules (家庭经济状况核对)."""
