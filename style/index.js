import './base.css';
import './questions.css';
import './scorecards.css';
